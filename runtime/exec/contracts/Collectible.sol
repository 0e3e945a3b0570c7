// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// A minimal NFT collection with sequential ids: `mint()` takes the next id from a counter, so which
/// slots a mint writes (ownerOf[id]) depends on state, not on calldata — its access set is not
/// decidable from the transaction alone.
contract Collectible {
    uint256 public nextId;
    mapping(uint256 => address) public ownerOf;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 indexed id);

    function mint() external returns (uint256 id) {
        id = nextId++;
        ownerOf[id] = msg.sender;
        balanceOf[msg.sender] += 1;
        emit Transfer(address(0), msg.sender, id);
    }
}
